/**
 * definition.ts and schemas/workflow.schema.json describe the same language; these
 * tests fail when one changes without the other.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { TRIGGER_RULES } from '../../../src/engine/types.js';
import type {
  AlertRuleDefinition,
  AlertSinkDefinition,
  AlertsDefinition,
  CircuitBreakerDefinition,
  DefaultsDefinition,
  FallbackDefinition,
  InputDefinition,
  RetryDefinition,
  SecretDefinition,
  TaskDefinition,
  WorkflowDefinition,
} from '../../../src/engine/load/definition.js';
import { workflowSchema } from '../../../src/engine/load/validate.js';

type Schema = { properties?: Record<string, Schema>; definitions?: Record<string, Schema>; [key: string]: unknown };

const schema = workflowSchema() as Schema;
const definitions = schema.definitions!;

const retry: Required<RetryDefinition> = {
  maxAttempts: 5,
  backoff: 'exponential',
  delay: '200ms',
  factor: 2,
  maxDelay: 30_000,
  jitter: 'full',
  retryOn: ['NONZERO_EXIT'],
  abortOn: ['INVALID_INPUT'],
};

const input: Required<InputDefinition> = {
  type: 'string',
  description: 'the repository',
  required: true,
  default: 'weft',
  enum: ['weft', 'other'],
};

const defaults: Required<DefaultsDefinition> = { retry, timeout: '10m' };

const fallback: Required<FallbackDefinition> = { uses: 'echo', with: { degraded: true } };

const secret: Required<SecretDefinition> = { env: 'GITHUB_TOKEN', file: './deploy.pem' };
const envSecret: SecretDefinition = { env: 'GITHUB_TOKEN' };

const circuitBreaker: Required<CircuitBreakerDefinition> = { failureThreshold: 3, resetAfter: '1m' };

const alertRule: Required<AlertRuleDefinition> = { on: 'task_duration', tasks: ['build'], over: '10m', atLeast: 3 };
const alertSink: Required<AlertSinkDefinition> = {
  type: 'webhook',
  path: '.weft/alerts.jsonl',
  url: 'https://hooks.example.com/weft',
  headers: { authorization: 'env:ALERT_TOKEN' },
  timeout: '5s',
  retries: 2,
};
const alerts: Required<AlertsDefinition> = { rules: [alertRule], sinks: [alertSink], dedupe: '10m' };

const task: Required<TaskDefinition> = {
  description: 'builds',
  uses: 'shell',
  run: 'make',
  with: { shell: 'bash' },
  needs: ['fetch'],
  trigger: 'all_done',
  if: "${{ inputs.repo == 'weft' }}",
  forEach: '${{ inputs.items }}',
  env: { A: 'b', N: 1, B: true },
  retry,
  timeout: '30s',
  continueOnError: true,
  fallback,
  resources: { gpu: 1 },
  priority: 10,
};

const workflow: Required<WorkflowDefinition> = {
  name: 'release-notes',
  description: 'writes release notes',
  inputs: { repo: input },
  env: { LOG_LEVEL: 'info' },
  secrets: { TOKEN: envSecret, KEY: { file: './deploy.pem' } },
  defaults,
  concurrency: 4,
  resources: { gpu: 1 },
  failFast: true,
  timeout: '1h',
  circuitBreakers: { shell: circuitBreaker },
  alerts,
  tasks: { fetch: { run: 'fetch' }, build: task },
  outputs: { notes: '${{ tasks.build.outputs }}' },
};

const keys = (value: object) => Object.keys(value).sort();
const schemaKeys = (part: Schema) => Object.keys(part.properties ?? {}).sort();

describe('the workflow types and the JSON Schema', () => {
  it('have the same keys, type by type', () => {
    expect(keys(workflow)).toEqual(schemaKeys(schema));
    expect(keys(task)).toEqual(schemaKeys(definitions.task!));
    expect(keys(input)).toEqual(schemaKeys(definitions.input!));
    expect(keys(retry)).toEqual(schemaKeys(definitions.retry!));
    expect(keys(defaults)).toEqual(schemaKeys(schema.properties!.defaults!));
    expect(keys(fallback)).toEqual(schemaKeys(definitions.fallback!));
    expect(keys(circuitBreaker)).toEqual(schemaKeys(definitions.circuitBreaker!));
    expect(keys(secret)).toEqual(schemaKeys(definitions.secret!));
    expect(keys(alerts)).toEqual(schemaKeys(schema.properties!.alerts!));
    expect(keys(alertRule)).toEqual(schemaKeys(definitions.alertRule!));
    expect(keys(alertSink)).toEqual(schemaKeys(definitions.alertSink!));
  });

  it('agree on values: a fully populated workflow is valid', () => {
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
    expect(validate(workflow), JSON.stringify(validate.errors)).toBe(true);
  });

  it('list the same trigger rules as the engine', () => {
    expect(definitions.task!.properties!.trigger!.enum).toEqual([...TRIGGER_RULES]);
  });

  it('describe every property and reject unknown keys in every object', () => {
    const missing: string[] = [];
    const open: string[] = [];
    const visit = (part: Schema, where: string) => {
      if (part.properties) {
        if (part.additionalProperties !== false) open.push(where);
        for (const [name, property] of Object.entries(part.properties)) {
          if (typeof property.description !== 'string') missing.push(`${where}.${name}`);
          visit(property, `${where}.${name}`);
        }
      }
    };
    visit(schema, '#');
    for (const [name, part] of Object.entries(definitions)) visit(part, `#/definitions/${name}`);
    expect(missing).toEqual([]);
    expect(open).toEqual([]);
    expect(schema.$id).toMatch(/^https:\/\//);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });
});

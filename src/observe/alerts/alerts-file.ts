/** An alerts section kept in its own YAML or JSON file, for `weft run --alerts FILE`. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AlertsConfigError, parseAlertsConfig, type AlertsConfig } from './rules.js';

/** The file holds either the section itself or a document with an `alerts:` key. */
export function loadAlertsFile(file: string): AlertsConfig {
  if (!existsSync(file)) throw new AlertsConfigError(file, 'alerts file not found; check the --alerts path');
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AlertsConfigError(file, `not valid YAML or JSON: ${(error as Error).message}`);
  }
  const section = typeof doc === 'object' && doc !== null && 'alerts' in doc ? (doc as { alerts: unknown }).alerts : doc;
  return parseAlertsConfig(section, `${file} alerts`);
}

import { describe, expect, it } from 'vitest';
import { displayScript } from '../../src/executors/script-text.js';

describe('displayScript', () => {
  it('shows expression references as their values, however they were quoted', () => {
    const env = { WEFT_EXPR_0: 'npm test', WEFT_EXPR_1: 'a b' };
    expect(displayScript('bash -c "${WEFT_EXPR_0}"', env)).toBe('bash -c npm test');
    expect(displayScript(`echo "x \${WEFT_EXPR_1}" 'y '"\${WEFT_EXPR_1}"''`, env)).toBe(`echo "x a b" 'y a b'`);
  });

  it('leaves unknown references and other variables alone', () => {
    expect(displayScript('echo "${WEFT_EXPR_7}" $HOME', {})).toBe('echo "${WEFT_EXPR_7}" $HOME');
  });
});

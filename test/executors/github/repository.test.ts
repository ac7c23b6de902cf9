import { describe, expect, it } from 'vitest';
import { parseIssueRef, parseRepoName } from '../../../src/executors/github/repository.js';
import { webUrlOf } from '../../../src/executors/github/client.js';

describe('GitHub names', () => {
  it('reads issue URLs, owner/repo#n and bare numbers', () => {
    expect(parseIssueRef('https://github.com/acme/cli/issues/12')).toEqual({ host: 'github.com', owner: 'acme', repo: 'cli', number: 12 });
    expect(parseIssueRef('https://ghe.example.com/acme/cli/issues/3#issuecomment-1')).toMatchObject({ host: 'ghe.example.com', number: 3 });
    expect(parseIssueRef('acme/cli#7')).toEqual({ owner: 'acme', repo: 'cli', number: 7 });
    expect(parseIssueRef('#7')).toEqual({ number: 7 });
    expect(parseIssueRef('42')).toEqual({ number: 42 });
    expect(parseIssueRef('fix the bug')).toBeUndefined();
  });

  it('reads owner and repo from https, ssh and scp-like remotes', () => {
    expect(parseRepoName('https://github.com/acme/cli.git')).toEqual({ host: 'github.com', owner: 'acme', repo: 'cli' });
    expect(parseRepoName('git@github.com:acme/cli.git')).toEqual({ host: 'github.com', owner: 'acme', repo: 'cli' });
    expect(parseRepoName('ssh://git@ghe.example.com:2222/acme/my.repo.git')).toEqual({ host: 'ghe.example.com', owner: 'acme', repo: 'my.repo' });
    expect(parseRepoName('acme/cli')).toEqual({ owner: 'acme', repo: 'cli' });
    expect(parseRepoName('/tmp/origin.git')).toBeUndefined();
  });

  it('finds the web host for an API URL', () => {
    expect(webUrlOf('https://api.github.com')).toBe('https://github.com');
    expect(webUrlOf('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
  });
});

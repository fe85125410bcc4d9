import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../cli/args.ts';
import { UsageError } from '../../../cli/errors.ts';

describe('parseCommandLine', () => {
  it('defaults upload to the incoming/ prefix, waiting, 300 s, and the local stack', () => {
    const { global, command } = parseCommandLine(['upload', 'a.txt', 'articles/'], {});

    expect(command).toEqual({
      name: 'upload',
      paths: ['a.txt', 'articles/'],
      from: process.cwd(),
      prefix: 'incoming/',
      wait: true,
      timeoutSeconds: 300,
    });
    expect(global).toEqual({
      stack: null,
      outputs: 'cdk-outputs.json',
      token: null,
      region: null,
      debug: false,
    });
  });

  it('reads relative paths from the folder npm was started in when npm runs the CLI', () => {
    const npm = { INIT_CWD: '/home/reader/news', npm_lifecycle_script: 'node cli/khulasa.ts' };
    const inherited = { INIT_CWD: '/somewhere/else', npm_lifecycle_script: 'vitest run' };

    expect(parseCommandLine(['upload', './a.txt'], npm).command).toMatchObject({ from: '/home/reader/news' });
    expect(parseCommandLine(['upload', './a.txt'], inherited).command).toMatchObject({ from: process.cwd() });
    expect(parseCommandLine(['upload', './a.txt'], {}).command).toMatchObject({ from: process.cwd() });
  });

  it('reads --no-wait and turns a bare prefix into a folder', () => {
    const { command } = parseCommandLine(['upload', '--no-wait', '--prefix', 'news', 'a.txt'], {});

    expect(command).toMatchObject({ name: 'upload', wait: false, prefix: 'news/' });
  });

  it('accepts global options before the command and takes the stack from KHULASA_STACK', () => {
    const fromFlag = parseCommandLine(['--stack', 'Khulasa-dev', 'list', '--limit', '5'], {});
    const fromEnv = parseCommandLine(['list'], { KHULASA_STACK: 'Khulasa-prod' });

    expect(fromFlag.global.stack).toBe('Khulasa-dev');
    expect(fromFlag.command).toEqual({ name: 'list', status: null, limit: 5 });
    expect(fromEnv.global.stack).toBe('Khulasa-prod');
  });

  it('parses show, text, reprocess and redrive', () => {
    expect(parseCommandLine(['show', 'incoming/خبر 1.txt', '--bidi-isolate'], {}).command).toEqual({
      name: 'show',
      ref: 'incoming/خبر 1.txt',
      bidiIsolate: true,
    });
    expect(parseCommandLine(['text', 'k'], {}).command).toEqual({ name: 'text', ref: 'k' });
    expect(parseCommandLine(['reprocess', '--stale', '-y'], {}).command).toEqual({
      name: 'reprocess',
      stale: true,
      prefix: null,
      yes: true,
    });
    expect(parseCommandLine(['reprocess', '--prefix', ''], {}).command).toMatchObject({ prefix: '' });
    expect(parseCommandLine(['redrive'], {}).command).toEqual({ name: 'redrive' });
  });

  it('parses reindex, locally or for a deployed stack, and refuses arguments or options it has none of', () => {
    const deployed = parseCommandLine(['reindex', '--stack', 'Khulasa-prod'], {});

    expect(parseCommandLine(['reindex'], {}).command).toEqual({ name: 'reindex' });
    expect(deployed.command).toEqual({ name: 'reindex' });
    expect(deployed.global.stack).toBe('Khulasa-prod');
    expect(() => parseCommandLine(['reindex', 'incoming/'], {})).toThrow(/reindex takes no arguments/);
    expect(() => parseCommandLine(['reindex', '--yes'], {})).toThrow(/Unknown option '--yes'/);
  });

  it('answers help with no command or --help', () => {
    expect(parseCommandLine([], {}).command).toEqual({ name: 'help' });
    expect(parseCommandLine(['list', '--help'], {}).command).toEqual({ name: 'help' });
  });

  it.each([
    [['frob'], /unknown command "frob"/],
    [['list', '--yes'], /Unknown option '--yes'/],
    [['list', '--status', 'finished'], /--status must be one of processing, done, failed, deleted/],
    [['list', '--limit', '0'], /--limit must be an integer/],
    [['upload'], /at least one file/],
    [['show'], /needs an id or a key/],
    [['show', 'a', 'b'], /unexpected "b"/],
    [['reprocess'], /needs --stale, --prefix/],
    [['upload', 'a', '--timeout', 'soon'], /--timeout must be an integer/],
  ])('rejects %j with a usage error', (argv, message) => {
    const parse = () => parseCommandLine(argv, {});

    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});

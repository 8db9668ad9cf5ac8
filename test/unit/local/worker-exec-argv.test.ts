import { describe, expect, it } from 'vitest';
import { withoutTsx } from '../../../local/local-function';

/**
 * A worker runs a bundle (JavaScript already): it keeps the parent's Node options but not
 * tsx's loader, which would cost every worker its own module-hooks thread and tens of MB.
 */
describe('worker execArgv', () => {
  it('drops `--import tsx`, as `node --import tsx` passes it', () => {
    expect(withoutTsx(['--import', 'tsx', '--inspect'])).toEqual(['--inspect']);
  });

  it('drops the --require/--import pair the tsx CLI adds', () => {
    expect(
      withoutTsx([
        '--require',
        '/work/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///work/node_modules/tsx/dist/loader.mjs',
        '--max-old-space-size=512',
      ]),
    ).toEqual(['--max-old-space-size=512']);
  });

  it('drops the inline forms and keeps every other loader', () => {
    expect(withoutTsx(['--import=tsx', '--require=./setup.cjs', '--import', './otel.mjs', '--loader=tsx/esm'])).toEqual([
      '--require=./setup.cjs',
      '--import',
      './otel.mjs',
    ]);
  });

  it('keeps a module whose name merely contains tsx', () => {
    expect(withoutTsx(['--import', './tsx-helpers.mjs', '--require', 'my-tsx'])).toEqual(['--import', './tsx-helpers.mjs', '--require', 'my-tsx']);
  });
});

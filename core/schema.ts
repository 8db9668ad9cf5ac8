/**
 * The schema library of everything that runs in a Lambda bundle: zod's tree-shakable build
 * (`zod/mini`: the same package, the same validation as `zod`), so a bundle carries only the
 * validators it uses (about 35 KB instead of the 445 KB of zod's classic API, whose methods
 * cannot be tree-shaken). https://zod.dev/packages/mini
 *
 * zod/mini loads no locale ("Invalid input" for everything): English is set here, so every
 * message reads as it does with `zod` ("Invalid input: expected string, received number").
 * Import it as `import * as z from '<path>/core/schema'`, never 'zod/mini' itself, so no schema
 * parses before the messages are set. (Not `z.core`: that namespace pulls in all of zod.)
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
/** What parse() throws, whichever zod API built the schema (zod/mini's and zod's errors are both one). */
export { $ZodError as SchemaError, type $ZodType as AnySchema } from 'zod/v4/core';

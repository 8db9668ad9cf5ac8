/**
 * `node --import tsx functions/build-cli.ts '<FunctionBuild as JSON>'`: one bundle, for CDK's
 * synchronous local bundling (infra/constructs/omnihub-function.ts), which cannot await.
 */
import { buildFunction, type FunctionBuild } from './build';

await buildFunction(JSON.parse(process.argv[2] ?? '{}') as FunctionBuild);

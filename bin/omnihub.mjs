#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript, run through tsx (a devDependency of omnihub).
import { register } from 'tsx/esm/api';

register();
await import('./omnihub.ts');

// Every supported operation, keyed by its exact wire name. The README's table of operations
// is checked against this map by a test.
import type { Operation } from './context.js';
import { createUserPool } from './createUserPool.js';
import { describeUserPool } from './describeUserPool.js';

export const operations: Readonly<Record<string, Operation>> = {
  CreateUserPool: createUserPool,
  DescribeUserPool: describeUserPool,
};

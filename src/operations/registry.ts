// Every supported operation, keyed by its exact wire name. The README's table of operations
// is checked against this map by a test.
import type { Operation } from './context.js';
import { addCustomAttributes } from './addCustomAttributes.js';
import { adminCreateUser } from './adminCreateUser.js';
import { adminDeleteUser } from './adminDeleteUser.js';
import { adminDeleteUserAttributes } from './adminDeleteUserAttributes.js';
import { adminDisableUser } from './adminDisableUser.js';
import { adminEnableUser } from './adminEnableUser.js';
import { adminGetUser } from './adminGetUser.js';
import { adminListUserAuthEvents } from './adminListUserAuthEvents.js';
import { adminResetUserPassword } from './adminResetUserPassword.js';
import { adminSetUserPassword } from './adminSetUserPassword.js';
import { adminUpdateUserAttributes } from './adminUpdateUserAttributes.js';
import { confirmForgotPassword } from './confirmForgotPassword.js';
import { createUserPool } from './createUserPool.js';
import { createUserPoolClient } from './createUserPoolClient.js';
import { deleteUserPool } from './deleteUserPool.js';
import { deleteUserPoolClient } from './deleteUserPoolClient.js';
import { forgotPassword } from './forgotPassword.js';
import { describeUserPool } from './describeUserPool.js';
import { describeUserPoolClient } from './describeUserPoolClient.js';
import { listUserPoolClients } from './listUserPoolClients.js';
import { listUserPools } from './listUserPools.js';
import { listUsers } from './listUsers.js';
import { updateUserPool } from './updateUserPool.js';
import { updateUserPoolClient } from './updateUserPoolClient.js';

export const operations: Readonly<Record<string, Operation>> = {
  AddCustomAttributes: addCustomAttributes,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminDeleteUserAttributes: adminDeleteUserAttributes,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminGetUser: adminGetUser,
  AdminListUserAuthEvents: adminListUserAuthEvents,
  AdminResetUserPassword: adminResetUserPassword,
  AdminSetUserPassword: adminSetUserPassword,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  ConfirmForgotPassword: confirmForgotPassword,
  ForgotPassword: forgotPassword,
  CreateUserPool: createUserPool,
  CreateUserPoolClient: createUserPoolClient,
  DeleteUserPool: deleteUserPool,
  DeleteUserPoolClient: deleteUserPoolClient,
  DescribeUserPool: describeUserPool,
  DescribeUserPoolClient: describeUserPoolClient,
  ListUserPoolClients: listUserPoolClients,
  ListUserPools: listUserPools,
  ListUsers: listUsers,
  UpdateUserPool: updateUserPool,
  UpdateUserPoolClient: updateUserPoolClient,
};

// Every supported operation, keyed by its exact wire name. The README's table of operations
// is checked against this map by a test.
import type { Operation } from './context.js';
import { addCustomAttributes } from './addCustomAttributes.js';
import { adminConfirmSignUp } from './adminConfirmSignUp.js';
import { adminCreateUser } from './adminCreateUser.js';
import { adminDeleteUser } from './adminDeleteUser.js';
import { adminDeleteUserAttributes } from './adminDeleteUserAttributes.js';
import { adminDisableUser } from './adminDisableUser.js';
import { adminEnableUser } from './adminEnableUser.js';
import { adminGetUser } from './adminGetUser.js';
import { adminInitiateAuth } from './adminInitiateAuth.js';
import { adminListUserAuthEvents } from './adminListUserAuthEvents.js';
import { adminResetUserPassword } from './adminResetUserPassword.js';
import { adminRespondToAuthChallenge } from './adminRespondToAuthChallenge.js';
import { adminSetUserPassword } from './adminSetUserPassword.js';
import { adminUpdateUserAttributes } from './adminUpdateUserAttributes.js';
import { adminUserGlobalSignOut } from './adminUserGlobalSignOut.js';
import { changePassword } from './changePassword.js';
import { confirmForgotPassword } from './confirmForgotPassword.js';
import { confirmSignUp } from './confirmSignUp.js';
import { createUserPool } from './createUserPool.js';
import { createUserPoolClient } from './createUserPoolClient.js';
import { deleteUserPool } from './deleteUserPool.js';
import { deleteUserPoolClient } from './deleteUserPoolClient.js';
import { deleteUser } from './deleteUser.js';
import { forgotPassword } from './forgotPassword.js';
import { describeUserPool } from './describeUserPool.js';
import { describeUserPoolClient } from './describeUserPoolClient.js';
import { getUser } from './getUser.js';
import { getUserAttributeVerificationCode } from './getUserAttributeVerificationCode.js';
import { globalSignOut } from './globalSignOut.js';
import { initiateAuth } from './initiateAuth.js';
import { listUserPoolClients } from './listUserPoolClients.js';
import { listUserPools } from './listUserPools.js';
import { listUsers } from './listUsers.js';
import { resendConfirmationCode } from './resendConfirmationCode.js';
import { respondToAuthChallenge } from './respondToAuthChallenge.js';
import { revokeToken } from './revokeToken.js';
import { signUp } from './signUp.js';
import { updateUserPool } from './updateUserPool.js';
import { updateUserPoolClient } from './updateUserPoolClient.js';
import { updateUserAttributes } from './updateUserAttributes.js';
import { verifyUserAttribute } from './verifyUserAttribute.js';
import { createUserImportJob } from './createUserImportJob.js';
import { describeUserImportJob } from './describeUserImportJob.js';
import { getCSVHeader } from './getCSVHeader.js';
import { listUserImportJobs } from './listUserImportJobs.js';
import { startUserImportJob } from './startUserImportJob.js';
import { stopUserImportJob } from './stopUserImportJob.js';

export const operations: Readonly<Record<string, Operation>> = {
  AddCustomAttributes: addCustomAttributes,
  AdminConfirmSignUp: adminConfirmSignUp,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminDeleteUserAttributes: adminDeleteUserAttributes,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminGetUser: adminGetUser,
  AdminInitiateAuth: adminInitiateAuth,
  AdminListUserAuthEvents: adminListUserAuthEvents,
  AdminResetUserPassword: adminResetUserPassword,
  AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
  AdminSetUserPassword: adminSetUserPassword,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  ChangePassword: changePassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ConfirmSignUp: confirmSignUp,
  ForgotPassword: forgotPassword,
  CreateUserPool: createUserPool,
  CreateUserPoolClient: createUserPoolClient,
  DeleteUserPool: deleteUserPool,
  DeleteUserPoolClient: deleteUserPoolClient,
  DeleteUser: deleteUser,
  DescribeUserPool: describeUserPool,
  DescribeUserPoolClient: describeUserPoolClient,
  GetUser: getUser,
  GetUserAttributeVerificationCode: getUserAttributeVerificationCode,
  GlobalSignOut: globalSignOut,
  InitiateAuth: initiateAuth,
  ListUserPoolClients: listUserPoolClients,
  ListUserPools: listUserPools,
  ListUsers: listUsers,
  ResendConfirmationCode: resendConfirmationCode,
  RespondToAuthChallenge: respondToAuthChallenge,
  RevokeToken: revokeToken,
  SignUp: signUp,
  UpdateUserPool: updateUserPool,
  UpdateUserPoolClient: updateUserPoolClient,
  UpdateUserAttributes: updateUserAttributes,
  VerifyUserAttribute: verifyUserAttribute,
  CreateUserImportJob: createUserImportJob,
  DescribeUserImportJob: describeUserImportJob,
  GetCSVHeader: getCSVHeader,
  ListUserImportJobs: listUserImportJobs,
  StartUserImportJob: startUserImportJob,
  StopUserImportJob: stopUserImportJob,
};

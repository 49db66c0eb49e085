export { auth, signIn, signOut, updateSession, handlers, AccountDisabledError } from "./auth";
export { getSessionState, requirePageUser, requireUser } from "./session";
export { ROLES, ROLE_NAMES, can, homeFor, isRole, type Role, type Permission } from "./roles";
export { hashPassword, verifyPassword } from "./password";

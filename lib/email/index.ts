export { DEFAULT_EMAIL_FROM, devMailboxEnabled, EmailSendError, listDevMailbox, recipientDomain, sendEmail } from "./send";
export type { DevMail, OutgoingEmail, SentEmail } from "./send";
export {
  emailLocale,
  formatEmailDate,
  renderAccountApproved,
  renderApprovalRequest,
  renderLockout,
  renderNewDevice,
  renderPasswordReset,
  renderVerifyEmail,
} from "./templates";
export type { RenderedEmail } from "./templates";
export { escapeHtml, safeHref } from "./layout";

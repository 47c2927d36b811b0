/**
 * Attachments given as `[{ title, url }]`: fetched safely by URL (no addresses inside the network,
 * size and time limits), typed from their bytes, and prepared as WhatsApp media or documents.
 */
export {
  checkAddress,
  classifyAddress,
  isAddressAllowed,
  type AddressCategory,
  type AddressPolicy,
  type AddressVerdict,
} from './address-policy.js';
export { removeBody } from './body-file.js';
export { ByteBudget, RequestBudget } from './byte-budget.js';
export { detectFileType, detectType, isUtf8Text, mediaKindOf, type DetectedType } from './detect-type.js';
export {
  defaultFetchTimeoutMs,
  defaultMaxRedirects,
  fetchAttachment,
  type FetchAttachmentOptions,
  type FetchedAttachment,
} from './fetch-attachment.js';
export { fileNameFor, hasFileExtension, sanitizeFileName } from './file-name.js';
export {
  normalizeAttachments,
  prepareAttachments,
  type PrepareAttachmentsOptions,
  type PreparedAttachment,
  type PreparedAttachments,
} from './prepare.js';
export { parseAttachmentUrl, redactUrl, systemLookup, type HostLookup, type ResolvedAddress } from './resolve-target.js';

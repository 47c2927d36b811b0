/**
 * The sandbox: an in-memory WhatsApp network with virtual phones, groups, receipts and WhatsApp's
 * rules, and the engine whose sessions are linked devices of its phones (PRODUCT §6).
 */
export { SandboxEngine, type SandboxEngineOptions } from './engine.js';
export { SandboxNetwork, type MessageSelector, type NetworkListener, type SandboxNetworkOptions } from './network.js';
export { VirtualPhone, type PhoneOptions, type PhoneSendOptions } from './phone.js';
export type { ChangedMessage, NetworkChange, NewContent } from './content.js';
export type { TargetRef } from './messaging.js';
export type { LinkedDevice, LinkRequest } from './linking.js';
export { directKey } from './store.js';
export type { AttachmentView, ChatSummary, ContactView, MessageView, NetworkChat, ReactionView } from './view.js';
export { linkedSandbox, type LinkedSandbox, type LinkedSandboxOptions } from './testing.js';

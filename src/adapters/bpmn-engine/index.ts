export { whatsAppExtension, type WhatsAppExtensionOptions } from './extension.js';
export { runProcess, runToEnd, createEngine, type CreateEngineOptions, type ProcessError, type ProcessRun, type RunProcessOptions } from './run-process.js';
export { whatsAppModdle, whatsAppNamespace, taskAttributes, taskFields } from './schema.js';
export { findTaskDeclaration, toComponentProperties, type TaskDeclaration } from './task-declaration.js';
export { WhatsAppTaskError } from './task-service.js';
export { processInstanceIdVariable } from './idempotency-key.js';
export { clockTimers } from './clock-timers.js';
export { AwaitReplyService, feedReplies, ReplyWaits, WaitingProcesses, streamedReplies, type StreamedReplies, type ProcessStateStore, type Reply, type ReplySource, type WaitingProcessesOptions } from './await-reply/index.js';

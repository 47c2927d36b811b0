import { z } from 'zod';
import { locationSchema } from '../../domain/actions.js';
import { mediaKinds } from '../../domain/limits.js';
import { isoTimeSchema, messageKindSchema, messageStatusSchema } from '../../domain/message.js';

/**
 * What people see of the sandbox network, as the sandbox routes answer it: the types of `view.ts`
 * and the `SandboxMessage` and `SandboxChat` components of `/openapi.json` come from here.
 */

/** A file in a chat, as a recipient sees it. */
export const attachmentViewSchema = z.object({ type: z.enum(mediaKinds), fileName: z.string(), mimeType: z.string(), size: z.number(), sha256: z.string() });
export type AttachmentView = z.infer<typeof attachmentViewSchema>;

export const contactViewSchema = z.object({ displayName: z.string(), vcard: z.string(), phones: z.array(z.string()) });
export type ContactView = z.infer<typeof contactViewSchema>;

export const reactionViewSchema = z.object({ from: z.string(), emoji: z.string() });
export type ReactionView = z.infer<typeof reactionViewSchema>;

/**
 * One message as a person sees it in a chat: plain JSON, ISO times. A message deleted for everyone
 * keeps its place and hides its content, like WhatsApp's "This message was deleted".
 */
export const messageViewSchema = z
  .object({
    id: z.string(),
    chat: z.string().describe('The chat as the viewer addresses it (the other person’s JID, or the group JID)'),
    from: z.string(),
    fromName: z.string().optional(),
    fromMe: z.boolean(),
    timestamp: isoTimeSchema,
    kind: messageKindSchema.exclude(['reaction']),
    status: messageStatusSchema.describe('The sender’s receipt status: the least advanced over every recipient'),
    text: z.string().optional().describe('The current text of a text message'),
    caption: z.string().optional().describe('The current caption of a media message'),
    attachments: z.array(attachmentViewSchema).optional(),
    location: locationSchema.optional(),
    contact: contactViewSchema.optional().describe('The first contact of a contact message; all of them are in `contacts`'),
    contacts: z.array(contactViewSchema).optional(),
    reactions: z.array(reactionViewSchema),
    edited: z.boolean(),
    editedAt: isoTimeSchema.optional(),
    deleted: z.boolean(),
    deletedAt: isoTimeSchema.optional(),
    forwarded: z.boolean(),
    forwardedManyTimes: z.boolean().describe('WhatsApp labels a message "Forwarded many times" from a score of 5'),
    forwardingScore: z.number(),
    quoted: z.object({ id: z.string(), from: z.string() }).optional().describe('The message this one replies to, and who wrote it'),
    deletedFor: z.array(z.string()).optional().describe('Network-wide views only (no viewer): who deleted it for themselves'),
  })
  .meta({ id: 'SandboxMessage', description: 'One message as a recipient sees it' });
export type MessageView = z.infer<typeof messageViewSchema>;

/** A conversation of the whole network, for the /sandbox page. */
export const networkChatSchema = z
  .object({
    key: z.string(),
    kind: z.enum(['direct', 'group']),
    title: z.string().describe('Group subject; the other party ("Anna") when a session is linked to one side; else "Anna ↔ +79002222222"'),
    participants: z.array(
      z.object({ jid: z.string(), phone: z.string(), name: z.string().optional(), linked: z.literal(true).optional().describe('A session of the connector is linked to this account') }),
    ),
    lastMessage: messageViewSchema.optional(),
    preview: z.string(),
    messageCount: z.number(),
  })
  .meta({ id: 'SandboxChat' });
export type NetworkChat = z.infer<typeof networkChatSchema>;

import type { ActionInputs, ActionName } from '../../domain/actions.js';

/** One request body per action for `/openapi.json`, checked against the action's own type. */
export const actionExamples: { [A in ActionName]: ActionInputs[A][] } = {
  sendMessage: [
    { chat: '+79001234567', text: 'Hello, Anna! Your appointment is tomorrow at 10:00.' },
    { chat: '+79001234567', text: 'Your invoice', attachments: [{ title: 'invoice-42.pdf', url: 'https://files.example.com/invoice-42.pdf' }], attachmentFormat: 'document' },
  ],
  sendLocation: [{ chat: '+79001234567', location: { latitude: 55.7558, longitude: 37.6173, name: 'Clinic', address: 'Tverskaya 1, Moscow' } }],
  sendContact: [{ chat: '+79001234567', contact: { name: 'Dr. Ivanova', phones: ['+79007654321'], organization: 'Clinic' } }],
  sendReaction: [{ message: { chat: '79001234567@s.whatsapp.net', id: '3EB0C1A2B3C4D5E6F7A8', fromMe: true }, emoji: '👍' }],
  forwardMessage: [{ message: { chat: '79001234567@s.whatsapp.net', id: '3EB0C1A2B3C4D5E6F7A8', fromMe: true }, chat: ['+79002222222', '+79003333333'] }],
  editMessage: [{ message: { chat: '79001234567@s.whatsapp.net', id: '3EB0C1A2B3C4D5E6F7A8', fromMe: true }, text: 'Hello, Anna! Your appointment is tomorrow at 11:00.' }],
  deleteMessage: [{ message: { chat: '79001234567@s.whatsapp.net', id: '3EB0C1A2B3C4D5E6F7A8', fromMe: true }, forEveryone: true }],
};

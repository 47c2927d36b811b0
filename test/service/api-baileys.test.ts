import { emulatedWhatsApp } from '../support/whatsapp.js';
import { actionApiSuite } from './api-suite.js';

// The same suite with the real Baileys engine, linked to the WhatsApp Web protocol emulator.
actionApiSuite('baileys', emulatedWhatsApp);

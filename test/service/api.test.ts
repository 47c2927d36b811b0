import { sandboxWhatsApp } from '../support/whatsapp.js';
import { actionApiSuite } from './api-suite.js';

actionApiSuite('sandbox', async () => sandboxWhatsApp());

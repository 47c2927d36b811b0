export { chooseLanguage, defaultLanguage, isLanguage, languages, type Language } from './language.js';
export { pageCatalogue, type PageCatalogue, type PageTextId } from './pages.js';

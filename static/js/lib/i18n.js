// Every visitor-facing word comes from static/i18n/<lang>.json (English and German ship).
// The language is chosen by the URL (?lang=de) or the lecture page; nothing is stored.
// Missing keys fall back to English, then to the key itself, so a gap never breaks the page.

export const LANGUAGES = { en: "English", de: "Deutsch" };
let strings = {};
let fallback = {};
export let language = "en";

async function fetchStrings(lang) {
  const res = await fetch(`/static/i18n/${lang}.json`);
  if (!res.ok) throw new Error(`no translation file for ${lang}`);
  return res.json();
}

export async function setLanguage(lang) {
  if (!(lang in LANGUAGES)) lang = "en";
  if (!Object.keys(fallback).length) fallback = await fetchStrings("en");
  strings = lang === "en" ? fallback : await fetchStrings(lang);
  language = lang;
  document.documentElement.lang = lang;
  apply(document);
  for (const fn of listeners) fn(lang);
}

// Views that build their words in code (not data-i18n) rebuild them when the language changes.
const listeners = [];
export function onLanguage(fn) { listeners.push(fn); }

export function has(key) { return key in strings || key in fallback; }

export function t(key, vars = {}) {
  const text = strings[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

// Elements marked data-i18n="key" show that text; data-i18n-title sets their tooltip.
export function apply(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
}

// A brain region's words for visitors: its plain name ("Seeing"), then its abbreviation ("STS").
// `region`: { key, label } from the server's layout; a region the files do not know keeps its label.
export function regionWords(region) {
  const plain = has(`region.${region.key}.short`) ? t(`region.${region.key}.short`) : region.label;
  return { plain, abbreviation: region.label };
}

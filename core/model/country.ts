/**
 * Free-text countries (HubSpot's `country`, Klaviyo's `location.country`: "United States", "GB",
 * "germany"). The canonical address
 * holds an ISO 3166-1 alpha-2 code, so a code or an English country name is read as its code;
 * anything else cannot be normalized (the mapping reports it as unusable).
 */

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** Names people commonly type that are not the CLDR English name. */
const ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
};

/** Region codes Intl names that are not countries (unions, "Unknown Region", "Outlying Oceania"). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ']);

function isCurrentCode(code: string): boolean {
  return Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
}

/** Every ISO alpha-2 code Intl knows, by its lower-cased English name and by itself. */
const BY_NAME: ReadonlyMap<string, string> = (() => {
  const table = new Map<string, string>(Object.entries(ALIASES));
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const first of letters) {
    for (const second of letters) {
      const code = `${first}${second}`;
      const name = regionNames.of(code);
      // Intl answers an unknown code with the code itself, and names retired codes (DD) after their successor.
      if (!name || name === code || NOT_COUNTRIES.has(code) || !isCurrentCode(code)) continue;
      table.set(code.toLowerCase(), code);
      if (!table.has(name.toLowerCase())) table.set(name.toLowerCase(), code);
    }
  }
  return table;
})();

/** The ISO alpha-2 code of a free-text country, or undefined when it names no country we know. */
export function toCountryCode(raw: string): string | undefined {
  return BY_NAME.get(raw.trim().toLowerCase().replace(/\s+/g, ' '));
}

/** Case ids are API: `<provider>/<suite>[/<variant>]/<slug>`. The slug keeps letters, digits, '.', '+', '#' and turns runs of anything else into '-'. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9.+#]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `<provider>/<suite>/<slug>`, or `<provider>/<suite>/<variant>/<slug>` for a case of a suite's variant. */
export function caseId(provider: string, suite: string, title: string, variant?: string): string {
  return variant === undefined
    ? `${provider}/${suite}/${slugify(title)}`
    : `${provider}/${suite}/${variant}/${slugify(title)}`;
}

/** A variant name is already a slug: it goes into case ids and file names as it is. */
export function isVariantName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.+#-]*$/.test(name);
}

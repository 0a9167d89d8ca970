/** Case ids are API: `<provider>/<suite>/<slug>`. The slug keeps letters, digits, '.', '+', '#' and turns runs of anything else into '-'. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9.+#]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function caseId(provider: string, suite: string, title: string): string {
  return `${provider}/${suite}/${slugify(title)}`;
}

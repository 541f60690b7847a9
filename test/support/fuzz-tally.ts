/**
 * Counts fuzz cases per route and the statuses they got, and prints one summary line at the
 * end of a file, so a run says how much it threw at each route ("N cases per route").
 */
export class FuzzTally {
  readonly #statuses = new Map<string, Map<number, number>>();

  record(route: string, status: number): void {
    const byStatus = this.#statuses.get(route) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.#statuses.set(route, byStatus);
  }

  cases(route: string): number {
    let total = 0;
    for (const count of this.#statuses.get(route)?.values() ?? []) total += count;
    return total;
  }

  get routes(): string[] {
    return [...this.#statuses.keys()].sort();
  }

  get total(): number {
    return this.routes.reduce((sum, route) => sum + this.cases(route), 0);
  }

  /** e.g. `fuzz[in-memory]: 3400 cases, 17 routes, min 150/route | POST /api/v1/members 210 (201×12 400×150 …) | …` */
  summary(label: string): string {
    const counts = this.routes.map((route) => this.cases(route));
    const perRoute = this.routes.map((route) => {
      const statuses = [...this.#statuses.get(route)!.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ');
      return `${route} ${this.cases(route)} (${statuses})`;
    });
    return [
      `fuzz[${label}]: ${this.total} cases, ${this.routes.length} routes, min ${Math.min(...counts)}/route`,
      ...perRoute,
    ].join(' | ');
  }
}

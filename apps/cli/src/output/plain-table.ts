import Table from 'cli-table3';

/** A terminal table without colours, so output reads the same in a terminal, a pipe and CI logs. */
export function plainTable(head: string[] = []): Table.Table {
  return new Table({ head, style: { head: [], border: [], compact: true } });
}

import { FIELD_NAMES, type Customer } from '../core/model/customer';
import { MESSAGE_PHONE_TIME } from '../core/messages/phone-observation';

/** `omnihub customer <query>`: the golden record with each field's source and time, and the linked records. */
export function formatCustomer(customer: Customer): string {
  const lines = [`Customer ${customer.id}  (version ${customer.version}, created ${customer.createdAt}, updated ${customer.updatedAt})`, ''];
  lines.push('  Field          Value                               Source     At (source time)');
  for (const name of FIELD_NAMES) {
    const field = customer.fields[name];
    if (!field) continue;
    // A phone only a message gave is undated (docs/identity.md §11): any record's phone is newer.
    const at = field.at === MESSAGE_PHONE_TIME ? 'undated (from a message)' : field.at;
    // A consent choice's evidence (docs/identity.md §10): how the system says it was made.
    const how = 'how' in field && typeof field.how === 'string' ? `  (${field.how})` : '';
    lines.push(`  ${name.padEnd(14)} ${formatValue(field.value).padEnd(35)} ${field.source.padEnd(10)} ${at}${how}`);
  }
  lines.push('', '  Linked records');
  for (const link of customer.links) {
    // docs/identity.md §6: values a system holds that could not be read are shown, by field name.
    const unusable = link.unusable?.length ? `  unreadable: ${link.unusable.join(', ')}` : '';
    const withheld = link.withheld && Object.keys(link.withheld).length > 0 ? `  not held (another record has it): ${Object.keys(link.withheld).join(', ')}` : '';
    lines.push(`  ${link.system.padEnd(10)} ${link.externalId.padEnd(24)} linked ${link.linkedAt}${unusable}${withheld}`);
  }
  const unreadable = customer.links.reduce((n, link) => n + (link.unusable?.length ?? 0), 0);
  if (unreadable > 0) lines.push('', `  Unreadable values: ${unreadable} (a value a system holds that omnihub could not normalize; fix it there)`);
  lines.push('', `  Match keys: ${[...customer.emails, ...customer.phones].join(', ') || '(none)'}`);
  return lines.join('\n');
}

function formatValue(value: unknown): string {
  if (value === null) return '(empty)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.join(', ');
  return Object.values(value as Record<string, unknown>).filter(Boolean).join(', ');
}

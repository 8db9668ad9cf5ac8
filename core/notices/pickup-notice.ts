import type { Customer } from '../model/customer';

/**
 * The pickup notice's text and recipient (docs/identity.md §12), pure. The templates come from
 * cdk.json (`connectors.twilio.notices.readyForPickup`), validated at synth.
 */
export interface NoticeValues {
  storeName: string;
  orderName: string;
  location: string;
  firstName: string;
}

/** The template of the order's locale: exact ("fr-CA"), then its language ("fr"), then `default`. */
export function templateFor(templates: Record<string, string>, locale: string | null | undefined): string {
  const exact = locale ? templates[locale] : undefined;
  const language = locale ? templates[locale.split('-')[0]!.toLowerCase()] : undefined;
  const chosen = exact ?? language ?? templates.default;
  if (chosen === undefined) throw new RangeError('no "default" notice template');
  return chosen;
}

/** The template with its placeholders filled ({firstName} empty when unknown, without a stray space before punctuation). */
export function renderNotice(template: string, values: NoticeValues): string {
  return template
    .replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in values ? values[name as keyof NoticeValues] : placeholder))
    .replace(/ +([,.!?])/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
}

export type NoticeRecipient = { kind: 'phone'; to: string } | { kind: 'none'; reason: 'no phone' | 'SMS unsubscribed' };

/** Whom to text: her golden phone, unless her SMS consent is `unsubscribed` (then the email path, §12). */
export function noticeRecipient(customer: Pick<Customer, 'fields'>): NoticeRecipient {
  const phone = customer.fields.phone?.value;
  if (!phone) return { kind: 'none', reason: 'no phone' };
  if (customer.fields.smsConsent?.value === 'unsubscribed') return { kind: 'none', reason: 'SMS unsubscribed' };
  return { kind: 'phone', to: phone };
}

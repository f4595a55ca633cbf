/**
 * `@spane/triggers`: what starts workflows from outside. This version holds timestamped HMAC
 * webhook signatures; the webhook router and cron schedules arrive in a later release.
 * @module
 */
export {
  signWebhook,
  verifyWebhookSignature,
  type WebhookSignatureOptions,
} from './webhook-signature.ts';

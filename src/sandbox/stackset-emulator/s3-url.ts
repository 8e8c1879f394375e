/**
 * A TemplateURL → bucket and key (pure). CloudFormation takes S3 object URLs in the virtual-hosted
 * (`https://bucket.s3.amazonaws.com/key`, `https://bucket.s3.eu-west-1.amazonaws.com/key`) and
 * path styles (`https://s3.amazonaws.com/bucket/key`, `https://s3.eu-west-1.amazonaws.com/bucket/key`);
 * the emulator also takes `s3://bucket/key` and, for the sandbox, path-style URLs of any loopback
 * host (an object URL of moto itself).
 */
export interface S3Location {
  bucket: string;
  key: string;
}

export function parseTemplateUrl(url: string): S3Location | undefined {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (s3) return { bucket: s3[1] as string, key: s3[2] as string };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const host = parsed.hostname;
  const virtual = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (virtual && path !== '') return { bucket: virtual[1] as string, key: path };
  const pathStyle =
    /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.test(host) ||
    host === '127.0.0.1' ||
    host === 'localhost';
  if (pathStyle) {
    const slash = path.indexOf('/');
    if (slash > 0 && slash < path.length - 1)
      return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
  }
  return undefined;
}

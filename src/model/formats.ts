/**
 * Syntax checks for the names and addresses a mesh description contains.
 * Each returns a reason when the value is unusable, or undefined when it is fine,
 * so validation can say *why* a value was refused.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
// SPIFFE trust domains: lowercase letters, digits, dots, dashes and underscores.
const TRUST_DOMAIN = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const HOSTNAME_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/** Length and pattern check shared by the name rules below. */
function nameProblem(value: string, maxLength: number, pattern: RegExp, rule: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > maxLength) return `must be at most ${maxLength} characters (has ${value.length})`;
  return pattern.test(value) ? undefined : `must be ${rule}`;
}

/** A Kubernetes DNS-1123 label: what cluster, mesh and object names must be. */
export function dns1123LabelProblem(value: string): string | undefined {
  return nameProblem(value, 63, DNS1123_LABEL,
    'a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit');
}

/** A Kubernetes label value: networks end up in `topology.istio.io/network` labels. */
export function labelValueProblem(value: string): string | undefined {
  return nameProblem(value, 63, LABEL_VALUE,
    'a valid Kubernetes label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
}

/** A SPIFFE trust domain such as `cluster.local`. */
export function trustDomainProblem(value: string): string | undefined {
  return nameProblem(value, 255, TRUST_DOMAIN,
    'a SPIFFE trust domain: lowercase letters, digits, ".", "-" and "_" (for example cluster.local)');
}

export function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(value: string): boolean {
  return parseIPv6(value) !== undefined;
}

/** An IPv4 or IPv6 address, as opposed to a DNS name. */
export function isIPAddress(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}

/** Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into 8 groups. */
function parseIPv6(value: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || value.length < 2) return undefined;
  const halves = value.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        if (!isIPv4(item)) return undefined;
        const [a, b, c, d] = item.split('.').map(Number);
        groups.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(item)) {
        groups.push(parseInt(item, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array(missing).fill(0), ...tail];
}

/** An RFC 1123 host name with at least one label, e.g. `istiod.example.com`. */
export function isDnsName(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  // An all-numeric dotted name is a malformed IPv4 address, not a host name.
  if (labels.every((l) => /^[0-9]+$/.test(l))) return false;
  return labels.every((l) => l.length <= 63 && HOSTNAME_LABEL.test(l));
}

/**
 * Where remotes reach an istiod: a bare IPv4 or IPv6 address or a DNS name.
 * Istio appends its own ports (15012, 15017), so schemes, ports and paths are refused.
 */
export function hostAddressProblem(value: string): string | undefined {
  if (value.trim().length === 0) return 'must not be empty';
  if (/\s/.test(value)) return 'must not contain spaces';
  if (value.includes('://')) return 'is a URL; give only the host (an IP address or DNS name), without scheme or path';
  if (value.includes('/')) return 'contains a "/"; give only the host (an IP address or DNS name), without path or prefix length';
  if (isIPAddress(value)) return undefined;
  if (value.startsWith('[') || /^[^:]+:[0-9]+$/.test(value)) {
    return 'contains a port; give only the host: Istio adds ports 15012 and 15017 itself';
  }
  if (value.includes(':')) return 'is not a valid IPv6 address';
  if (isDnsName(value)) return undefined;
  return 'must be an IPv4 address, an IPv6 address or a DNS name';
}

/** An IP network in CIDR notation, kept as a bit string for overlap tests. */
export interface Cidr {
  readonly text: string;
  readonly family: 4 | 6;
  /** The network's fixed prefix bits, as a string of '0' and '1'. */
  readonly prefixBits: string;
}

function toBits(groups: number[], width: number): string {
  return groups.map((g) => g.toString(2).padStart(width, '0')).join('');
}

/** Parses `10.0.0.0/16` or `fd00::/48`; returns a reason string when malformed. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'must be in CIDR notation, such as 10.0.0.0/16';
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(lengthText)) return 'has an invalid prefix length';
  const length = Number(lengthText);
  if (isIPv4(address)) {
    if (length > 32) return 'has a prefix length over 32';
    const bits = toBits(address.split('.').map(Number), 8);
    return { text, family: 4, prefixBits: bits.slice(0, length) };
  }
  const groups = parseIPv6(address);
  if (groups) {
    if (length > 128) return 'has a prefix length over 128';
    return { text, family: 6, prefixBits: toBits(groups, 16).slice(0, length) };
  }
  return 'has an address that is neither IPv4 nor IPv6';
}

/** Two networks overlap when one's prefix is a prefix of the other's. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.prefixBits.startsWith(b.prefixBits) || b.prefixBits.startsWith(a.prefixBits);
}

/** Whether two texts are the same IP address (IPv6 compared by value, not spelling). */
export function sameIpAddress(a: string, b: string): boolean {
  if (isIPv4(a) && isIPv4(b)) return a === b;
  const ga = parseIPv6(a);
  const gb = parseIPv6(b);
  return ga !== undefined && gb !== undefined && ga.every((g, i) => g === gb[i]);
}

const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' total size limit of one object's annotations, keys and values together. */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

/**
 * A Kubernetes annotation (or label) key: an optional DNS-subdomain prefix and `/`,
 * then a name of at most 63 characters. Lengths are checked before patterns, so a
 * hostile key costs no more than its length.
 */
export function annotationKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253) return 'has a prefix (before "/") that is empty or longer than 253 characters';
    if (!DNS1123_SUBDOMAIN.test(prefix)) return 'has a prefix (before "/") that is not a DNS subdomain: lowercase letters, digits, "-" and "."';
  }
  if (name.length === 0 || name.length > 63) return `has a name part of ${name.length} characters; it must have 1 to 63`;
  if (!QUALIFIED_NAME.test(name)) {
    return 'has a name part that is not letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** An `https://` URL of an API server, without credentials. */
export function httpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL; give the API server address as https://host[:port]';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL: Kubernetes API servers are reached over TLS';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hostname === '') return 'has no host';
  return undefined;
}

/** A Kubernetes DNS-1123 subdomain: what names of Secrets and most other objects must be. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  return nameProblem(value, 253, DNS1123_SUBDOMAIN,
    'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit');
}

/** scp-like Git addresses, `git@github.com:org/repo.git`, which Argo CD reads and Flux does not. */
export const SCP_LIKE_GIT_ADDRESS = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;

/** A Git clone URL that Argo CD or Flux can fetch. */
export function gitUrlProblem(value: string): string | undefined {
  if (SCP_LIKE_GIT_ADDRESS.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a Git URL; give https://host/org/repo.git or ssh://git@host/org/repo.git';
  }
  if (!['https:', 'http:', 'ssh:'].includes(url.protocol)) return `has the scheme "${url.protocol}"; use https://, http:// or ssh://`;
  if (url.hostname === '') return 'has no host';
  if (url.password !== '' || (url.protocol !== 'ssh:' && url.username !== '')) {
    return 'must not contain credentials: they would be committed with the output; give them to Argo CD or Flux as a Secret';
  }
  return undefined;
}

/** A Git branch name, as `git check-ref-format --branch` accepts it. */
export function gitBranchProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 255) return `must be at most 255 characters (has ${value.length})`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(value) || value.includes('..') || value.includes('@{') || value.includes('//') ||
    value.startsWith('-') || value.startsWith('/') || value.endsWith('/') || value.endsWith('.') || value.endsWith('.lock') ||
    value.split('/').some((part) => part.startsWith('.'))) {
    return 'is not a valid Git branch name';
  }
  return undefined;
}

/** A path inside a repository: relative, and never leaving it. Returns the path normalized (no `./`, no trailing `/`; `.` for the root). */
export function repositoryPath(value: string): { path: string } | { problem: string } {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(value) || /\s/.test(value)) return { problem: 'must not contain spaces, control characters or "\\"' };
  if (value.startsWith('/')) return { problem: 'is absolute; give the directory relative to the repository\'s root' };
  const parts = value.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { problem: 'leaves the repository ("..")' };
  return { path: parts.length === 0 ? '.' : parts.join('/') };
}

/** A Go duration as Flux takes it (`30s`, `10m`, `1h30m`). */
export function goDurationProblem(value: string): string | undefined {
  return /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(value) ? undefined : 'is not a duration such as 30s, 10m or 1h';
}

"""Verifies every DKIM-Signature of a message with dkimpy, an implementation independent of
mailauth. The message comes on stdin; argv[1] is a JSON object mapping DNS names
(`selector._domainkey.domain`) to TXT values, so no real DNS is ever queried.
Prints a JSON object: {"nacl": bool, "results": [{"selector", "algorithm", "ok", "error"}]}.
"""
import json
import sys

import dkim

try:
    import nacl.signing  # noqa: F401  dkimpy needs PyNaCl for ed25519-sha256
    HAVE_NACL = True
except ImportError:
    HAVE_NACL = False


def main():
    records = {name.lower().rstrip('.'): value for name, value in json.loads(sys.argv[1]).items()}

    def dnsfunc(name, timeout=5):
        key = (name.decode() if isinstance(name, bytes) else name).lower().rstrip('.')
        value = records.get(key)
        return value.encode() if value is not None else None

    message = sys.stdin.buffer.read()
    verifier = dkim.DKIM(message)
    signatures = [value for name, value in verifier.headers if name.lower() == b'dkim-signature']
    results = []
    for index, header in enumerate(signatures):
        tags = dkim.util.parse_tag_value(header)
        entry = {'selector': tags[b's'].decode(), 'algorithm': tags[b'a'].decode(), 'ok': False, 'error': None}
        try:
            entry['ok'] = bool(verifier.verify(idx=index, dnsfunc=dnsfunc))
        except dkim.DKIMException as err:
            entry['error'] = str(err)
        results.append(entry)
    json.dump({'nacl': HAVE_NACL, 'results': results}, sys.stdout)


main()

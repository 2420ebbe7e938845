#!/usr/bin/python3
"""Checks the DKIM-Signature of one captured message against a given public-key TXT value
(no DNS): verify_dkim.py MESSAGE.eml SELECTOR DOMAIN 'v=DKIM1; k=rsa; p=...'
Prints 'pass <a=...>' / 'FAIL ...'; exits 0 on pass. Exits 2 when python3-dkim is missing."""
import re, sys
path, selector, domain, record = sys.argv[1:5]
raw = open(path, 'rb').read()
sigs = re.findall(rb'(?im)^dkim-signature:.*(?:\r?\n[ \t].*)*', raw)
if not sigs:
    print('FAIL no DKIM-Signature header'); sys.exit(1)
alg = re.search(rb'a=([\w-]+)', sigs[0])
alg = alg.group(1).decode() if alg else '?'
try:
    import dkim
except ImportError:
    print('present a=%s (not verified: python3-dkim missing)' % alg); sys.exit(2)
want = ('%s._domainkey.%s.' % (selector, domain)).encode()
def dnsfunc(name, timeout=5):
    return record.encode() if (name if name.endswith(b'.') else name + b'.') == want else None
ok = dkim.verify(raw, dnsfunc=dnsfunc)
print(('pass a=%s' if ok else 'FAIL a=%s') % alg)
sys.exit(0 if ok else 1)

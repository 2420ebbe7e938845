"""pyspf (Debian python3-spf), an SPF implementation independent of the relay, asking the
test's DNS server. argv: ip sender helo dns_host dns_port. Prints [result, explanation]."""
import json
import sys

import dns.resolver

ip, sender, helo, host, port = sys.argv[1:6]
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [host]
resolver.port = int(port)
dns.resolver.default_resolver = resolver

import spf  # noqa: E402  (after the resolver is in place)

print(json.dumps(list(spf.check2(i=ip, s=sender, h=helo, timeout=5, querytime=10))))

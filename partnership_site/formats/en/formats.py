# The registry's English is British English: its dates and numbers are written as in en-GB
# ("25 October 2006"), while its URLs say /en/.
from django.conf.locale.en_GB.formats import *  # noqa: F403

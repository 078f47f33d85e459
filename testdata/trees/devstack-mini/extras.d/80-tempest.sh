# The one extras.d script later DevStack trees still source.
record "80-tempest $*"

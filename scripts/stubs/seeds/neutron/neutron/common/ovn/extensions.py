# The API extensions DevStack asks neutron's OVN driver for.
ML2_SUPPORTED_API_EXTENSIONS = ['agent', 'network', 'port', 'subnet']
ML2_SUPPORTED_API_EXTENSIONS_OVN_L3 = ['router', 'extraroute']

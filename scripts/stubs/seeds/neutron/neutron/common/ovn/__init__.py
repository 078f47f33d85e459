# The compare harness's neutron seed: the package directory DevStack looks for.

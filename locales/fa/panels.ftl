## Panels and locations: the shop's location choice and the owners' panel screens (issue 21).

"""Members, the community digital-technology team, door-to-door campaigns and
the log of residents helped."""

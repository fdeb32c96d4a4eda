// ImageIO: placeholder until its first type lands.

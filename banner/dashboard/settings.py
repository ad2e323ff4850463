"""Store settings: name, addresses, platform, language, time zone, retention, IP mode."""

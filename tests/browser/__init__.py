"""Real-browser tests: journeys, accessibility and valid pages (Playwright driving Debian's Chromium)."""

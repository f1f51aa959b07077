"""The words every capability shares: the capability tags that partners offer and leads need,
countries, languages and time zones."""

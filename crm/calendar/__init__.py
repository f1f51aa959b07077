"""Calendar files: iMIP invitations per registration and the public feeds of published events."""

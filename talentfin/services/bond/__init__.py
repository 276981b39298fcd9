"""人才债's services: a bond planned by its underwriter, and the underwriter's book."""

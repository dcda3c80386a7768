/**
 * Studio AI announcements with dates we can stand behind, seeded once into a new database.
 * Each is a public disclosure or deal; descriptions are our own words.
 */
export interface SeedAnnouncement {
  title: string;
  studio: string | null;
  date: string;
  time?: string;
  timeZone?: string;
  url?: string;
  description: string;
  keywords: string[];
}

export const DEFAULT_ANNOUNCEMENTS: SeedAnnouncement[] = [
  {
    title: 'Netflix says generative AI made a building-collapse shot in El Eternauta',
    studio: 'Netflix',
    date: '2025-07-17',
    // the Q2 2025 earnings interview began at 1:45 p.m. Pacific (4:45 p.m. Eastern)
    time: '13:45',
    timeZone: 'America/Los_Angeles',
    description:
      'On its Q2 2025 earnings call, Netflix disclosed that a building collapse in the Argentine series El Eternauta was made with generative AI, which it said was faster and cheaper than conventional VFX: the first such shot in one of its original productions.',
    keywords: ['Eternauta', 'generative AI', 'VFX'],
  },
  {
    title: 'Lionsgate signs a partnership with Runway to train a model on its catalogue',
    studio: 'Lionsgate',
    date: '2024-09-18',
    description:
      'Lionsgate and the AI video company Runway announced a deal to build a custom video model trained on Lionsgate films and series, for pre- and post-production use.',
    keywords: ['Runway', 'Lionsgate'],
  },
  {
    title: 'Prime Video starts AI-aided dubbing on licensed titles',
    studio: 'Amazon MGM',
    date: '2025-03-05',
    description:
      'Amazon announced a pilot of AI-aided English and Latin American Spanish dubbing for a set of licensed films and series on Prime Video, with localisation professionals checking the output.',
    keywords: ['dubbing', 'Prime Video'],
  },
  {
    title: 'Disney and Universal sue Midjourney over image generation of their characters',
    studio: 'Disney',
    date: '2025-06-11',
    description:
      'Disney and NBCUniversal filed a copyright suit against the image generator Midjourney, the first major studio lawsuit against a generative AI company.',
    keywords: ['Midjourney', 'copyright'],
  },
];

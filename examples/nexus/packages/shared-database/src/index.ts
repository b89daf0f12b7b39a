import type { User } from '@nexus/shared-types';

// An in-memory store standing in for the seed's Prisma client.
export class Database {
  private readonly users = new Map<string, User>();

  constructor(seed: User[] = []) {
    for (const u of seed) this.users.set(u.id, u);
  }

  ready(): boolean {
    return true;
  }

  findUser(id: string): User | undefined {
    return this.users.get(id);
  }
}

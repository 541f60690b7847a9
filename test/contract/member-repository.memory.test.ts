import { InMemoryMemberRepository } from '../../src/adapters/memory/in-memory-member.repository';
import { memberRepositoryContract } from './member-repository.contract';

memberRepositoryContract(() => new InMemoryMemberRepository());

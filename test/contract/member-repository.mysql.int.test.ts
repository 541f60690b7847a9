import { ObjectionMemberRepository } from '../../src/adapters/persistence/objection-member.repository';
import { useTestDatabase } from '../support/mysql';
import { memberRepositoryContract } from './member-repository.contract';

const knex = useTestDatabase();

memberRepositoryContract(() => new ObjectionMemberRepository(knex()));

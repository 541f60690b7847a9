// Tests never inherit a developer's real stores or secrets by accident.
delete process.env['DATABASE_URL'];
delete process.env['REDIS_URL'];
process.env['NODE_ENV'] = 'test';

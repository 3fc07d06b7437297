// The app of bench/startup.mjs's second scenario: loads openai, express and pg and makes
// one client / app / pool of each, then exits (nothing is listening or connected).
'use strict';
const OpenAI = require('openai');
const express = require('express');
const pg = require('pg');

new OpenAI({ apiKey: 'bench', baseURL: 'http://127.0.0.1:9/v1' });
express().get('/users/:id', (_req, res) => res.end());
new pg.Pool({ host: '127.0.0.1', port: 9, max: 1 }).end();
